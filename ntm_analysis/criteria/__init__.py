"""Criteria sets as data: catalogues, their roles, and the criterion-name matcher."""
