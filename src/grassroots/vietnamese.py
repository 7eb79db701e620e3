"""Vietnamese text: accent-free folding for search and a collation key for sorting.

`fold` makes "Đặng Hữu Tú" and "dang huu tu" equal, so search ignores diacritics and case
on any database. `name_sort_key` orders names the way Vietnamese rosters do: by the given
name (the last word), then the family and middle names; letters first (a < ă < â < b < …
< d < đ), tones only to break ties. The key is made of digits only, so every database
collation orders it the same way.
"""

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Letters outside the Vietnamese alphabet (f, j, w, z) sort after their nearest neighbour.
EXTRA = {"f": "e", "j": "i", "w": "v", "z": "y"}
TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}  # huyền hỏi ngã sắc nặng
VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def fold(text):
    """Lower-case, strip every diacritic, đ → d, collapse spaces."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _letters_and_tone(word):
    """Split a word into base letters of the Vietnamese alphabet and its tone marks."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TONES:
            tones.append(TONES[ch])
            continue
        if unicodedata.combining(ch):
            if ch in VOWEL_MARKS and letters:
                letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
            continue
        letters.append(ch)
    return letters, tones


def _letter_code(letter):
    letter = EXTRA.get(letter, letter)
    index = ALPHABET.find(letter)
    if index >= 0:
        return 10 + index
    if letter.isdigit():
        return 60 + int(letter)
    return 90


def sort_key(text):
    """A digits-only key that orders text by Vietnamese letters first, then tones."""
    primary, secondary = [], []
    for word in (text or "").split():
        letters, tones = _letters_and_tone(word)
        primary.append("".join(f"{_letter_code(letter):02d}" for letter in letters))
        secondary.append("".join(str(t) for t in tones) or "1")
    return "00".join(primary) + "000" + "0".join(secondary)


def name_sort_key(full_name):
    """Vietnamese roster order: given name first, then the rest of the name in order."""
    words = (full_name or "").split()
    if not words:
        return ""
    return sort_key(" ".join([words[-1], *words[:-1]]))
