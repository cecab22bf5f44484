"""kb's benchmarks: a package so its modules import each other by name (and its
``profile`` never shadows the standard library's). Run them from the repository's
root as modules, ``python -m benchmarks.run``; those that reuse the tests' helpers
(``search_real_bench``, ``jekyll_sites``) need ``PYTHONPATH=tests`` as well, the
folder pytest puts on the path through its ``pythonpath`` setting."""
