"""Four browser sessions press Train within a second on one server: all finish, none crashes."""

import pytest

from support.browser import assert_no_exception, open_app_page

pytestmark = pytest.mark.browser
SUCCESS = '[data-testid="stAlertContentSuccess"]'


def test_four_sessions_train_at_once(browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1300, "height": 900}) for _ in range(4)]
    try:
        tabs = [context.new_page() for context in contexts]
        for tab in tabs:
            open_app_page(tab, f"{app_url}/perceptron?train_samples=2000&epochs=2")
        for tab in tabs:
            tab.get_by_role("button", name="Train", exact=True).click()
        for tab in tabs:
            tab.locator(SUCCESS).filter(has_text="Test accuracy:").wait_for(timeout=120_000)
            assert_no_exception(tab)
    finally:
        for context in contexts:
            context.close()
