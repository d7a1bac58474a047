"""The case route's pages: children (``children``), cases (``cases``), the work on a case (``work``),
the supervisor's overview and exports (``supervision``)."""
