#!/usr/bin/env python
"""Packaging for the identity-binding Azure CLI extension."""

from setuptools import find_packages, setup

VERSION = "0.1.0"

CLASSIFIERS = [
    "Development Status :: 4 - Beta",
    "Intended Audience :: Developers",
    "Intended Audience :: System Administrators",
    "Programming Language :: Python",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3 :: Only",
    "License :: OSI Approved :: MIT License",
]

with open("README.md", "r", encoding="utf-8") as readme:
    README = readme.read()

setup(
    name="identity-binding",
    version=VERSION,
    description="Azure CLI commands for AKS identity bindings: checks before create, Kubernetes RBAC, fast polling.",
    long_description=README,
    long_description_content_type="text/markdown",
    license="MIT",
    author="identity-binding maintainers",
    classifiers=CLASSIFIERS,
    python_requires=">=3.10",
    packages=find_packages(include=["azext_identity_binding", "azext_identity_binding.*"]),
    package_data={"azext_identity_binding": ["azext_metadata.json"]},
    install_requires=[],
)
