"""Reading a rendered page in tests: the parts of its HTML a test looks at."""

import re


def select_html(page: str, name: str) -> str:
    """The page's `<select>` of the field `name`, from its opening tag to its closing one."""
    select = re.search(rf'<select name="{name}"[^>]*>.*?</select>', page, re.DOTALL)
    assert select is not None, f"the page has no select {name}"
    return select.group(0)
