"""``path__startswith`` as an index range instead of ``LIKE 'prefix%'``.

A subtree is every path that starts with the anchor's path. Paths are ASCII digits and dots stored in
byte order (the "C" collation on PostgreSQL, BINARY on SQLite), so "starts with P" is exactly
"P <= path < P'", where P' is P with its last character incremented. Both forms give the same rows;
the range also survives statement preparation: PostgreSQL's generic plan for ``path LIKE $1`` cannot
use the index (it scanned all 52,551 units, 42 ms), while ``path >= $1 AND path < $2`` stays an index
range scan (decision 0013). Registered on ``OrgUnit.path`` only: other text columns may use a
linguistic collation, where the range would be wrong.
"""

from __future__ import annotations

from typing import Any

from django.db.models.lookups import StartsWith


class PathStartsWith(StartsWith):
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        prefix = self.rhs
        if not (self.rhs_is_direct_value() and isinstance(prefix, str) and prefix):
            sql, params = super().as_sql(compiler, connection)  # an expression, or "" (everything): LIKE
            return sql, list(params)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs_sql} >= %s AND {lhs_sql} < %s)", [*lhs_params, prefix, *lhs_params, upper]
