"""Shared fixtures. The embedded model is loaded once per session (it is ~1 s from the cache)."""

from __future__ import annotations

import pytest

from fake_openai import server  # noqa: F401  (a fake OpenAI-compatible endpoint, for every test)


@pytest.fixture(scope="session")
def smol():
    """The embedded model at ``dtype: auto`` (what users get): fast on every CPU kind."""
    from ethos.models import load_model

    return load_model("smollm2-135m-instruct", dtype="auto")


@pytest.fixture(scope="session")
def smol_fp32():
    from ethos.models import load_model

    return load_model("smollm2-135m-instruct", dtype="fp32")


@pytest.fixture(scope="session")
def smol_bf16():
    from ethos.models import load_model

    return load_model("smollm2-135m-instruct", dtype="bf16")
