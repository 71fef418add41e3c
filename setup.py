"""Package discovery for setuptools (the rest of the metadata is in pyproject.toml).

Every domain package under ``coopledger/`` is found automatically, so a new domain can never
be missing from a built wheel; the top-level ``templates/``, ``migrations/`` and
``sample_data/`` folders are shipped inside the package as ``coopledger.templates`` etc.
"""

from setuptools import find_packages, setup

MAPPED = ["coopledger.templates", "coopledger.migrations", "coopledger.sample_data"]

setup(packages=[*find_packages(include=["coopledger", "coopledger.*"]), *MAPPED])
