"""pytest fixtures that serve httpbun, with pytest-httpbin 2.1.0's names and objects.

A suite written for pytest-httpbin (``def test_x(httpbin): requests.get(httpbin.url + "/get")``)
runs unchanged: ``httpbin`` and ``httpbin_secure`` are httpbun processes started with
``--flavor httpbin --allow-redirect-host '*'``, so they answer as python httpbin 0.10.4 does.
``httpbun`` is the default flavor. The binary is ``$HTTPBUN_BIN``, else the one the platform wheel
carries (``make wheel``), else ``httpbun`` on ``PATH``, else this checkout's ``.build/release/httpbun``.
"""
import pytest

use_class_based_httpbin = pytest.mark.usefixtures("class_based_httpbin")
use_class_based_httpbin_secure = pytest.mark.usefixtures("class_based_httpbin_secure")

__all__ = ["use_class_based_httpbin", "use_class_based_httpbin_secure"]
