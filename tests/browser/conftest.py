"""A real headless Chromium (Debian's chromium + chromium-driver) driven by Selenium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

#: A white screenshot at 1366×768 is about 3.9 KB of PNG; any page with text is ten times more.
BLANK_PNG_BYTES = 8_000


@pytest.fixture(scope="session")
def browser():
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        if os.environ.get("CI"):
            pytest.fail("chromedriver is missing: scripts/install-system-packages installs it")
        pytest.skip("chromium-driver is not installed (scripts/install-system-packages)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    # The console's messages (errors, CSP violations) for the tests to read.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)
    save = driver.save_screenshot

    def save_screenshot(filename: str) -> bool:
        """A screenshot must show the page: a white one (about 4 KB of PNG) once passed
        unnoticed for every page after an element's screenshot."""
        saved = save(filename)
        assert Path(filename).stat().st_size > BLANK_PNG_BYTES, f"{filename} is blank"
        return saved

    driver.save_screenshot = save_screenshot
    yield driver
    driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A browser test runs outside a transaction, and its database is flushed afterwards:
    put the seed back then, once, rather than in every later test's own transaction."""
    yield
    if nextitem is None:  # the session is over and the test database gone
        return
    from django.core.management import call_command
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        call_command("loaddata", "fangchenggang_2021", "wuwei_2023", verbosity=0)


@pytest.fixture(autouse=True)
def settle(request):
    """Leave each page before the test's live server stops, so no request is still in flight."""
    yield
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").get("about:blank")
