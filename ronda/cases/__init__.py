"""The community case route (issue #11): children and their caregivers, potential duplicates, and
(next) the cases of rights violations with their visits, mediations, referrals and follow-up."""
