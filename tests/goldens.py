"""Golden pages: the field-by-field comparison of an extraction with a page's expected JSON.

Used by the golden tests and by `make eval` (benchmarks/eval.py), which reports the same checks.
"""

from __future__ import annotations


def comment_failures(got: list[dict], expected: list[dict]) -> list[str]:
    """Give the failed checks of extracted comments against expected ones (on the keys given)."""
    if len(got) != len(expected):
        return [f"comments (got {len(got)}, expected {len(expected)})"]
    return [
        f"comments[{i}].{key}"
        for i, (have, want) in enumerate(zip(got, expected))
        for key in want
        if have.get(key) != want[key]
    ]


def compare_expected(got, expected: dict) -> list[str]:
    """Give the names of the checks an Extraction fails against a golden page's expected JSON.

    Every key is compared for equality, except `url` and `headers` (the input), `body_excludes`
    (strings that must not be in the body), `comments` (compared one by one on the
    keys given) and `footer` (compared on the keys given).
    """
    data, failures = got.to_dict(), []
    for key, want in expected.items():
        if key in ("url", "headers"):
            continue
        if key == "body_excludes":
            failures += [f"body has {text!r}" for text in want if text in got.body]
        elif key == "comments":
            failures += comment_failures(data["comments"], want)
        elif key == "footer":
            failures += [f"footer.{k}" for k, v in want.items() if data["footer"].get(k) != v]
        elif data.get(key) != want:
            failures.append(key)
    return failures
