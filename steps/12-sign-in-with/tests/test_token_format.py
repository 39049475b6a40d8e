"""What a token looks like: fat_, 256 random bits in 43 base62 characters,
a CRC32 checksum in 6 more (GitHub's design)."""
import re

from authapp.api_tokens.format import ALPHABET, base62, checksum, new_token, well_formed


def test_a_token_is_fat_then_49_letters_and_digits():
    """One double-click selects it; a grep for fat_ finds it in a log or a repository."""
    token = new_token()
    assert re.fullmatch(r"fat_[0-9A-Za-z]{49}", token)
    assert well_formed(token)


def test_43_base62_characters_hold_every_256_bit_number():
    """62**43 > 2**256: no random bit is lost in the writing."""
    assert len(base62(2**256 - 1, 43)) == 43
    assert base62(0, 43) == "0" * 43
    assert 62**43 > 2**256 > 62**42


def test_no_two_tokens_are_alike():
    """A thousand new tokens, a thousand different ones: they come from secrets, not from a counter."""
    assert len({new_token() for _ in range(1000)}) == 1000


def test_every_one_character_typo_breaks_the_checksum():
    """Each character of a token, changed to each other letter or digit: never well formed.
    (A CRC32 catches every change of one character; a check that only looked
    at the prefix and the length would pass them all.)"""
    token = new_token()
    for position in range(4, len(token)):
        for other in ALPHABET:
            if other != token[position]:
                assert not well_formed(token[:position] + other + token[position + 1:])


def test_anything_but_our_shape_is_not_well_formed():
    """Empty, the prefix alone, one short, one long, another prefix or case, a
    character outside base62: refused before any database would be asked."""
    token = new_token()
    random_part = token[4:47]
    for text in ["", "fat_", token[:-1], token + "0", "ghp_" + token[4:], "FAT_" + token[4:],
                 "fat_" + random_part + "-" + checksum(random_part)[1:], token.replace(token[10], "é", 1)]:
        assert not well_formed(text), text
