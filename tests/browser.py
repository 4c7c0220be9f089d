"""Steps the browser tests share."""

from playwright.sync_api import Page


def log_in(page: Page, url: str, username: str, *, password: str) -> None:
    """Log in on the login page as a user does, and wait for the home page."""
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")
