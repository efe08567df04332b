"""The one compiled part of the backend: the roster's row builder (unionhome/domains/condolence/roster/
_rowfast.c, linked with OpenSSL's libcrypto). Optional: where it cannot be built (no C compiler or no
libssl headers) the install still succeeds and the roster reads rows with the Python builder, the same
result, slower. Everything else about the package is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "unionhome.domains.condolence.roster._rowfast",
    sources=["backend/unionhome/domains/condolence/roster/_rowfast.c"],
    libraries=["crypto"],
    extra_compile_args=["-O2", "-Wall", "-Wno-missing-field-initializers"],
    optional=True,
)])
