"""test_series.py's project: a series of three parts written out of date order, and one
article outside it."""

from kbtesting import DEFAULT_CONF

# The settings every test project starts from (write_project writes the same text).
exec(DEFAULT_CONF)
