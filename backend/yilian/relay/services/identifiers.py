"""One person, one volunteer: identifiers and names in one canonical form (Unicode NFKC), so that
`ｗｘ－２００１` is `wx-2001`; invisible and control characters refused, so that `wx-2001` followed
by a zero-width space is not a second user."""

import unicodedata

from yilian.relay.services.errors import Unprocessable

# Cc control, Cf format (zero-width space/joiner, bidi overrides, soft hyphen), Cs surrogates,
# Co private use, Cn unassigned, Zl/Zp line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class InvisibleCharacters(Unprocessable):
    code = "invisible_characters"


def normalised(text: str, *, field: str, spaces: bool) -> str:
    """NFKC form of `text`, trimmed; refuses hidden characters (and any space when not `spaces`)."""
    text = unicodedata.normalize("NFKC", text).strip()
    for char in text:
        category = unicodedata.category(char)
        if category in REFUSED_CATEGORIES or (category == "Zs" and (not spaces or char != " ")):
            raise InvisibleCharacters(
                f"{field} contains the character U+{ord(char):04X} ({category}); only visible characters"
                + (" and plain spaces" if spaces else "")
                + " are allowed"
            )
    if not text:
        raise Unprocessable(f"{field} is empty", code="empty_identifier")
    return text


def app_user_id(text: str) -> str:
    """The app's user id in canonical form: NFKC, no spaces, no hidden characters."""
    return normalised(text, field="app_user_id", spaces=False)


def real_name(text: str) -> str:
    return normalised(text, field="real_name", spaces=True)


def id_number(text: str) -> str:
    """The ID number in canonical form: NFKC, upper case, ASCII letters and digits only."""
    canonical = normalised(text, field="id_number", spaces=False).upper()
    if not (canonical.isascii() and canonical.isalnum()):
        raise Unprocessable("id_number must be letters and digits only", code="invalid_id_number")
    return canonical
