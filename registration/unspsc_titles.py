"""The 57 UNSPSC segment titles (registration/data/unspsc_segments.csv), marked here so that
makemessages finds them: the registration and agency forms show them in the reader's language.
tests/registration/test_unspsc_titles.py keeps this list and the CSV the same."""

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

TITLES = {
    "10": _("Live Plant and Animal Material and Accessories and Supplies"),
    "11": _("Mineral and Textile and Inedible Plant and Animal Materials"),
    "12": _("Chemicals including Bio Chemicals and Gas Materials"),
    "13": _("Resin and Rosin and Rubber and Foam and Film and Elastomeric Materials"),
    "14": _("Paper Materials and Products"),
    "15": _("Fuels and Fuel Additives and Lubricants and Anti corrosive Materials"),
    "20": _("Mining and Well Drilling Machinery and Accessories"),
    "21": _("Farming and Fishing and Forestry and Wildlife Machinery and Accessories"),
    "22": _("Building and Construction Machinery and Accessories"),
    "23": _("Industrial Manufacturing and Processing Machinery and Accessories"),
    "24": _(
        "Material Handling and Conditioning and Storage Machinery and their Accessories "
        "and Supplies"
    ),
    "25": _("Commercial and Military and Private Vehicles and their Accessories and Components"),
    "26": _("Power Generation and Distribution Machinery and Accessories"),
    "27": _("Tools and General Machinery"),
    "30": _("Structures and Building and Construction and Manufacturing Components and Supplies"),
    "31": _("Manufacturing Components and Supplies"),
    "32": _("Electronic Components and Supplies"),
    "39": _("Electrical Systems and Lighting and Components and Accessories and Supplies"),
    "40": _("Distribution and Conditioning Systems and Equipment and Components"),
    "41": _("Laboratory and Measuring and Observing and Testing Equipment"),
    "42": _("Medical Equipment and Accessories and Supplies"),
    "43": _("Information Technology Broadcasting and Telecommunications"),
    "44": _("Office Equipment and Accessories and Supplies"),
    "45": _("Printing and Photographic and Audio and Visual Equipment and Supplies"),
    "46": _("Defense and Law Enforcement and Security and Safety Equipment and Supplies"),
    "47": _("Cleaning Equipment and Supplies"),
    "48": _("Service Industry Machinery and Equipment and Supplies"),
    "49": _("Sports and Recreational Equipment and Supplies and Accessories"),
    "50": _("Food Beverage and Tobacco Products"),
    "51": _("Drugs and Pharmaceutical Products"),
    "52": _("Domestic Appliances and Supplies and Consumer Electronic Products"),
    "53": _("Apparel and Luggage and Personal Care Products"),
    "54": _("Timepieces and Jewelry and Gemstone Products"),
    "55": _("Published Products"),
    "56": _("Furniture and Furnishings"),
    "60": _(
        "Musical Instruments and Games and Toys and Arts and Crafts and Educational "
        "Equipment and Materials and Accessories and Supplies"
    ),
    "64": _("Financial Instruments and Products and Contracts and Agreements"),
    "70": _("Farming and Fishing and Forestry and Wildlife Contracting Services"),
    "71": _("Mining and Oil and Gas Services"),
    "72": _("Building and Facility Construction and Maintenance Services"),
    "73": _("Industrial Production and Manufacturing Services"),
    "76": _("Industrial Cleaning Services"),
    "77": _("Environmental Services"),
    "78": _("Transportation and Storage and Mail Services"),
    "80": _("Management and Business Professionals and Administrative Services"),
    "81": _("Engineering and Research and Technology Based Services"),
    "82": _("Editorial and Design and Graphic and Fine Art Services"),
    "83": _("Public Utilities and Public Sector Related Services"),
    "84": _("Financial and Insurance Services"),
    "85": _("Healthcare Services"),
    "86": _("Education and Training Services"),
    "90": _("Travel and Food and Lodging and Entertainment Services"),
    "91": _("Personal and Domestic Services"),
    "92": _("National Defense and Public Order and Security and Safety Services"),
    "93": _("Politics and Civic Affairs Services"),
    "94": _("Organizations and Clubs"),
    "95": _("Land and Buildings and Structures and Thoroughfares"),
}


def segment_label(code: str, title: str) -> str:
    """``10 · Live Plant …`` in the active language."""
    return f"{code} · {gettext(title)}"
