"""The 17 UN Sustainable Development Goals."""

from core.rules import N_

SDGS: dict[int, str] = {
    1: N_("No poverty"),
    2: N_("Zero hunger"),
    3: N_("Good health and well-being"),
    4: N_("Quality education"),
    5: N_("Gender equality"),
    6: N_("Clean water and sanitation"),
    7: N_("Affordable and clean energy"),
    8: N_("Decent work and economic growth"),
    9: N_("Industry, innovation and infrastructure"),
    10: N_("Reduced inequalities"),
    11: N_("Sustainable cities and communities"),
    12: N_("Responsible consumption and production"),
    13: N_("Climate action"),
    14: N_("Life below water"),
    15: N_("Life on land"),
    16: N_("Peace, justice and strong institutions"),
    17: N_("Partnerships for the goals"),
}
