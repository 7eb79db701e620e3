"""Vietnamese text: accent-free folding for search and a collation key for sorting.

`fold` makes "Đặng Hữu Tú" and "dang huu tu" equal, so search ignores diacritics and case
on any database. `name_sort_key` orders names the way Vietnamese rosters do: by the given
name (the last word), then the family and middle names; letters first (a < ă < â < b < …
< d < đ), tones only to break ties. The key is made of digits only, so every database
collation orders it the same way.
"""

import functools
import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Letters outside the Vietnamese alphabet (f, j, w, z) sort after their nearest neighbour.
EXTRA = {"f": "e", "j": "i", "w": "v", "z": "y"}
TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}  # huyền hỏi ngã sắc nặng
VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


# Names are made of a few thousand syllables: each word is worked out once per process
# (bounded), which makes folding and keying a million names cheap.
WORD_CACHE = 65_536


def fold(text):
    """Lower-case, strip every diacritic, đ → d, collapse spaces."""
    if not text:
        return ""
    return " ".join(w for w in map(_fold_word, text.split()) if w)


@functools.lru_cache(maxsize=WORD_CACHE)
def _fold_word(word):
    word = word.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


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


@functools.lru_cache(maxsize=WORD_CACHE)
def _word_key(word):
    """(letters part, tones part) of one word's key."""
    letters, tones = _letters_and_tone(word)
    return (
        "".join(f"{_letter_code(letter):02d}" for letter in letters),
        "".join(str(t) for t in tones) or "1",
    )


def _words_key(words):
    keys = [_word_key(word) for word in words]
    return "00".join(k[0] for k in keys) + "000" + "0".join(k[1] for k in keys)


def sort_key(text):
    """A digits-only key that orders text by Vietnamese letters first, then tones."""
    return _words_key((text or "").split())


def name_sort_key(full_name):
    """Vietnamese roster order: given name first, then the rest of the name in order."""
    words = (full_name or "").split()
    if not words:
        return ""
    return _words_key([words[-1], *words[:-1]])
