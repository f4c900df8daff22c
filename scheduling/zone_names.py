"""Zone selector labels in the viewer's language: the city of each zone as CLDR names it
(through babel), e.g. Asia/Kathmandu → كاتماندو, 加德满都, Катманду.

babel.dates.get_timezone_location() is not used: it looks CLDR up by the zone's present-day
name only, while CLDR files many cities under an older one (Asia/Katmandu,
America/Buenos_Aires, Europe/Kiev), so for those it answers the English name in every
language. Here each zone is looked up under its own name, then under the older names babel's
zone_aliases (CLDR's own renames) give it. The tz database's links are not used: many join
different cities (Africa/Kampala → Africa/Nairobi) and would label a zone with another city.
"""

from collections import defaultdict
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from django.utils import translation


@lru_cache(maxsize=1)
def _older_names() -> dict[str, tuple[str, ...]]:
    """Present-day name → CLDR's older names for the same city."""
    older: dict[str, list[str]] = defaultdict(list)
    for alias, target in get_global("zone_aliases").items():
        older[target].append(alias)
    return {name: tuple(aliases) for name, aliases in older.items()}


@lru_cache(maxsize=8)
def cities(language: str) -> dict[str, str]:
    """Zone name → its city in ``language`` (a Django language code), for the zones CLDR
    names; empty for English, whose labels come from the zone names themselves."""
    if language.split("-")[0] == "en":
        return {}
    from scheduling.timezones import selectable_zones

    try:
        names = Locale.parse(translation.to_locale(language)).time_zones
    except (UnknownLocaleError, ValueError):
        return {}
    older = _older_names()
    found = {}
    for zone in selectable_zones():
        for key in (zone, *older.get(zone, ())):
            city = (names.get(key) or {}).get("city")
            if city:
                found[zone] = city
                break
    return found
