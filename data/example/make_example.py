#!/usr/bin/env python3
"""Writes the bundled example plan directory (data/example/).

Run from anywhere: `python3 data/example/make_example.py`. Deterministic (fixed seed, Python's
Mersenne Twister); the CSVs it writes are committed, so nobody needs to run it to use the
example. It is kept so the data can be regenerated or varied, and so the capacity numbers can
be traced: each resource's weekly capacity is set so that the rough-cut load of the orders
(a lot-for-lot explosion, one setup per item and week with a lot) is about 80 % of it.
"""

import csv
import datetime as dt
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
START = dt.date(2026, 1, 5)  # a Monday
PERIODS = 12
HOLIDAY_PERIOD = 7  # week of 2026-02-16: Lunar New Year, the workshop runs at 40 %
HOLIDAY_FACTOR = 0.4
# Rough-cut load as a share of capacity: printing is the bottleneck, sewing is busy (with
# overtime), the cutting room and packing have slack.
TARGET_UTILISATION = {"CUTTING": 0.5, "DTG-PRINT": 0.8, "SEWING": 0.75, "PACKING": 0.6}

# item, kind, unit_cost, holding_cost, backlog_cost, lead_time, initial_inventory,
# safety_stock, safety_stock_penalty, min_lot, lot_multiple, order_cost (unmet_cost: UNMET)
ITEMS = [
    ("TEE-SUNSET", "make", 1.20, 0.08, 15, 0, 0, 0, 0, 0, None, 0),
    ("TEE-KANJI", "make", 1.20, 0.08, 15, 0, 0, 0, 0, 0, None, 0),
    ("HOODIE-MOUNTAIN", "make", 2.50, 0.20, 30, 0, 0, 0, 0, 0, None, 0),
    ("HOODIE-WAVE", "make", 2.50, 0.20, 30, 0, 0, 0, 0, 0, None, 0),
    ("TOTE-BOTANICA", "make", 0.90, 0.05, 8, 0, 0, 0, 0, 0, None, 0),
    ("TOTE-CITYMAP", "make", 0.90, 0.05, 8, 0, 0, 0, 0, 0, None, 0),
    ("TEE-BLANK", "make", 1.80, 0.05, None, 0, 20, 0, 0, 0, None, 0),
    ("HOODIE-BLANK", "make", 4.50, 0.12, None, 0, 10, 0, 0, 0, None, 0),
    ("TEE-PANELS", "make", 0.40, 0.02, None, 0, 0, 0, 0, 0, None, 0),
    ("HOODIE-PANELS", "make", 0.60, 0.03, None, 0, 0, 0, 0, 0, None, 0),
    ("TOTE-PANELS", "make", 0.30, 0.02, None, 0, 0, 0, 0, 0, None, 0),
    ("FAB-JERSEY", "buy", 4.20, 0.03, None, 2, 180, 30, 0.50, 100, 50, 40),
    ("FAB-FLEECE", "buy", 6.80, 0.05, None, 2, 120, 0, 0, 80, 40, 40),
    ("FAB-CANVAS", "buy", 3.50, 0.03, None, 1, 40, 0, 0, 50, None, 30),
    ("INK-CMYK", "buy", 0.12, 0.0005, None, 1, 2500, 0, 0, 0, None, 0),
    ("INK-WHITE", "buy", 0.10, 0.0005, None, 1, 1500, 0, 0, 0, None, 0),
    ("THREAD-CONE", "buy", 3.20, 0.01, None, 1, 6, 0, 0, 0, 12, 0),
    ("LABEL-WOVEN", "buy", 0.04, 0.0002, None, 2, 600, 0, 0, 1000, None, 0),
    ("MAILER-POLY", "buy", 0.09, 0.0005, None, 1, 300, 0, 0, 500, None, 15),
    ("DRAWCORD", "buy", 0.25, 0.001, None, 2, 150, 0, 0, 0, None, 0),
]

# Demand still unshipped at the end of the horizon costs this much more per unit: an order the
# plan leaves for "after week 12" is not free.
UNMET = {"TEE-SUNSET": 40, "TEE-KANJI": 40, "HOODIE-MOUNTAIN": 80, "HOODIE-WAVE": 80,
         "TOTE-BOTANICA": 20, "TOTE-CITYMAP": 20}

# parent, component, quantity per parent unit
BOM = [
    ("TEE-SUNSET", "TEE-BLANK", 1), ("TEE-SUNSET", "INK-CMYK", 12), ("TEE-SUNSET", "MAILER-POLY", 1),
    ("TEE-KANJI", "TEE-BLANK", 1), ("TEE-KANJI", "INK-CMYK", 6), ("TEE-KANJI", "INK-WHITE", 10),
    ("TEE-KANJI", "MAILER-POLY", 1),
    ("HOODIE-MOUNTAIN", "HOODIE-BLANK", 1), ("HOODIE-MOUNTAIN", "INK-CMYK", 20),
    ("HOODIE-MOUNTAIN", "INK-WHITE", 25), ("HOODIE-MOUNTAIN", "MAILER-POLY", 1),
    ("HOODIE-WAVE", "HOODIE-BLANK", 1), ("HOODIE-WAVE", "INK-CMYK", 18),
    ("HOODIE-WAVE", "INK-WHITE", 15), ("HOODIE-WAVE", "MAILER-POLY", 1),
    ("TOTE-BOTANICA", "TOTE-PANELS", 1), ("TOTE-BOTANICA", "INK-CMYK", 10),
    ("TOTE-BOTANICA", "THREAD-CONE", 0.005), ("TOTE-BOTANICA", "MAILER-POLY", 1),
    ("TOTE-CITYMAP", "TOTE-PANELS", 1), ("TOTE-CITYMAP", "INK-CMYK", 7),
    ("TOTE-CITYMAP", "THREAD-CONE", 0.005), ("TOTE-CITYMAP", "MAILER-POLY", 1),
    ("TEE-BLANK", "TEE-PANELS", 1), ("TEE-BLANK", "THREAD-CONE", 0.01),
    ("TEE-BLANK", "LABEL-WOVEN", 1),
    ("HOODIE-BLANK", "HOODIE-PANELS", 1), ("HOODIE-BLANK", "THREAD-CONE", 0.02),
    ("HOODIE-BLANK", "LABEL-WOVEN", 1), ("HOODIE-BLANK", "DRAWCORD", 1.4),
    ("TEE-PANELS", "FAB-JERSEY", 1.2),
    ("HOODIE-PANELS", "FAB-FLEECE", 1.8),
    ("TOTE-PANELS", "FAB-CANVAS", 0.9),
]

# resource, overtime_max (h/week), overtime_cost (per h)
RESOURCES = [("CUTTING", 0, 0), ("DTG-PRINT", 0, 0), ("SEWING", 10, 30), ("PACKING", 4, 22)]
# Resources with fixed weekly hours: the screen-printing press (fast, but an hour or more to
# set up a screen) and the hours a partner print shop in the same cluster sells us.
FIXED_RESOURCES = [("SCREEN-PRINT", 8, 0, 0), ("PARTNER-PRINT", 6, 0, 0)]

# item, resource, unit_time (h), setup_time (h), setup_cost, route, family. Every printed
# design has two routes in the workshop: DTG (direct to garment, no screens, slow per piece)
# and SCREEN (fast per piece, a screen to set up per lot); hoodies may also be printed and
# packed by the partner (route PARTNER: dearer, a week longer, see ROUTES). On the screen press a
# dark garment needs a white underbase screen and the flash dryer: the DARK and LIGHT setup
# families (FAMILIES); the DTG printer handles both without a changeover.
ROUTINGS = [
    ("TEE-PANELS", "CUTTING", 0.03, 0.5, 20, "", ""), ("HOODIE-PANELS", "CUTTING", 0.05, 0.5, 20, "", ""),
    ("TOTE-PANELS", "CUTTING", 0.02, 0.4, 15, "", ""),
    ("TEE-BLANK", "SEWING", 0.12, 0, 0, "", ""), ("HOODIE-BLANK", "SEWING", 0.30, 0, 0, "", ""),
]
DARK = {"TEE-KANJI", "HOODIE-MOUNTAIN", "HOODIE-WAVE"}
for design, print_time in [("TEE-SUNSET", 0.05), ("TEE-KANJI", 0.06), ("HOODIE-MOUNTAIN", 0.09),
                           ("HOODIE-WAVE", 0.08), ("TOTE-BOTANICA", 0.04), ("TOTE-CITYMAP", 0.04)]:
    family = "DARK" if design in DARK else "LIGHT"
    for route, printer, unit, setup, cost in [("DTG", "DTG-PRINT", print_time, 0.25, 8),
                                             ("SCREEN", "SCREEN-PRINT", round(print_time * 0.4, 3), 1.5, 45)]:
        if design.startswith("TOTE"):
            ROUTINGS.append((design, "SEWING", 0.10, 0, 0, route, ""))
        ROUTINGS.append((design, printer, unit, setup, cost, route, family if route == "SCREEN" else ""))
        ROUTINGS.append((design, "PACKING", 0.03, 0, 0, route, ""))
    if design.startswith("HOODIE"):
        ROUTINGS.append((design, "PARTNER-PRINT", print_time, 0, 0, "PARTNER", ""))

# item, route, unit_cost, lead_time: the partner charges 3.6 more per hoodie (print and pack)
# and ships a week later; DTG ink and pretreatment cost DTG_EXTRA more per piece than a screen
# print (lead time: the item's, "").
DTG_EXTRA = 0.6
ROUTES = [(design, "DTG", round(unit_cost + DTG_EXTRA, 2), "")
          for design, _, unit_cost, *_ in ITEMS if design.split("-")[0] in ("TEE", "HOODIE", "TOTE")
          and not design.endswith(("BLANK", "PANELS"))]
ROUTES += [("HOODIE-MOUNTAIN", "PARTNER", 6.1, 1), ("HOODIE-WAVE", "PARTNER", 6.1, 1)]

# family, resource, setup_time (h), setup_cost: a week with dark garments on the screen press
# needs the underbase screen and the flash dryer set up once, a week with light ones a cleaned
# platen.
FAMILIES = [("DARK", "SCREEN-PRINT", 1, 15), ("LIGHT", "SCREEN-PRINT", 0.5, 8)]

# item, supplier, unit_cost, lead_time: fabric from the mill next door (dear, a week) or from
# an overseas mill (cheap, three weeks, and one container a week shared by both fabrics:
# SUPPLIERS). Rolls and minimum orders stay the item's.
SOURCES = [("FAB-JERSEY", "MILL-LOCAL", 5.0, 1), ("FAB-JERSEY", "MILL-OVERSEAS", 3.6, 3),
           ("FAB-FLEECE", "MILL-LOCAL", 8.2, 1), ("FAB-FLEECE", "MILL-OVERSEAS", 5.9, 3)]
SUPPLIERS = [("MILL-OVERSEAS", 150)]

# item, period (1-based), quantity: open purchase orders
RECEIPTS = [("FAB-FLEECE", 1, 80), ("LABEL-WOVEN", 2, 1000), ("INK-WHITE", 1, 1000)]

# finished good -> mean orders per week
ORDER_RATE = {
    "TEE-SUNSET": 6, "TEE-KANJI": 4, "HOODIE-MOUNTAIN": 3.5,
    "HOODIE-WAVE": 3, "TOTE-BOTANICA": 3.5, "TOTE-CITYMAP": 2.5,
}
MARKETS = [("US", 34), ("DE", 16), ("UK", 15), ("FR", 10), ("AE", 7), ("JP", 11), ("AU", 7)]


def fmt(value):
    """A number as the planner writes it: integers without a decimal point."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def quantity(rng):
    """1-30 units, lumpy: mostly a few pieces, sometimes a team or event order."""
    if rng.random() < 0.2:
        return rng.randint(8, 30)
    q = 1
    while q < 7 and rng.random() < 0.45:
        q += 1
    return q


def make_orders(rng):
    orders = []
    for week in range(PERIODS):
        for item, rate in ORDER_RATE.items():
            count = sum(1 for _ in range(int(2 * rate)) if rng.random() < 0.5)
            for _ in range(count):
                due = START + dt.timedelta(days=7 * week + rng.randrange(7))
                orders.append([item, quantity(rng), due])
    for _ in range(5):  # past due: promised last year, still open
        item = rng.choice(list(ORDER_RATE))
        orders.append([item, quantity(rng), START - dt.timedelta(days=rng.randint(1, 10))])
    for _ in range(5):  # due after the horizon: not planned yet
        item = rng.choice(list(ORDER_RATE))
        end = START + dt.timedelta(days=7 * PERIODS)
        orders.append([item, quantity(rng), end + dt.timedelta(days=rng.randrange(10))])
    orders.sort(key=lambda order: (order[2] - dt.timedelta(days=rng.randint(3, 12)), order[0]))
    markets, weights = zip(*MARKETS)
    return [
        (f"SO-26-{n + 1:04d}", item, qty, due, rng.choices(markets, weights)[0])
        for n, (item, qty, due) in enumerate(orders)
    ]


def period_of(day):
    """0-based period, or None beyond the horizon (past due counts in period 0)."""
    t = max(0, (day - START).days // 7)
    return t if t < PERIODS else None


def rough_cut_capacity(orders):
    lead = {item[0]: item[5] for item in ITEMS}
    gross = {item[0]: [0.0] * PERIODS for item in ITEMS}
    for _, item, qty, due, _ in orders:
        t = period_of(due)
        if t is not None:
            gross[item][t] += qty
    releases = {}
    for item in [i[0] for i in ITEMS]:  # ITEMS lists parents before components
        releases[item] = [gross[item][t + lead[item]] if t + lead[item] < PERIODS else 0
                          for t in range(PERIODS)]
        for parent, component, q in BOM:
            if parent == item:
                for t in range(PERIODS):
                    gross[component][t] += q * releases[item][t]
    capacity = {}
    for resource, _, _ in RESOURCES:
        # On the workshop's own routes (no route name, or DTG).
        load = sum(unit * r + (setup if r > 0 else 0)
                   for item, res, unit, setup, _, route, _ in ROUTINGS
                   if res == resource and route in ("", "DTG")
                   for r in releases[item])
        weeks = PERIODS - 1 + HOLIDAY_FACTOR
        capacity[resource] = math.ceil(load / (TARGET_UTILISATION[resource] * weeks))
        print(f"{resource}: load {load:.1f} h over the horizon -> {capacity[resource]} h/week")
    return capacity


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main():
    rng = random.Random(20260105)
    orders = make_orders(rng)
    capacity = rough_cut_capacity(orders)
    with open(os.path.join(HERE, "plan.toml"), "w", encoding="utf-8") as f:
        f.write('[horizon]\nstart = "2026-01-05"\nbucket = "week"\nperiods = 12\n\n'
                "[solver]\ntime_limit_s = 60.0\nmip_gap = 0.02\n")
    write("items.csv",
          ["item", "kind", "unit_cost", "holding_cost", "backlog_cost", "lead_time",
           "initial_inventory", "safety_stock", "safety_stock_penalty", "min_lot",
           "lot_multiple", "order_cost", "unmet_cost"],
          [[fmt(v) if not isinstance(v, str) else v for v in item] + [fmt(UNMET.get(item[0], 0))]
           for item in ITEMS])
    write("bom.csv", ["parent", "component", "quantity"],
          [(p, c, fmt(q)) for p, c, q in BOM])
    for resource, hours, _, _ in FIXED_RESOURCES:
        capacity[resource] = hours
    resources = RESOURCES + [(r, om, oc) for r, _, om, oc in FIXED_RESOURCES]
    write("resources.csv", ["resource", "capacity", "overtime_max", "overtime_cost"],
          [(r, capacity[r], fmt(om), fmt(oc)) for r, om, oc in resources])
    write("capacity.csv", ["resource", "period", "capacity"],
          [(r, HOLIDAY_PERIOD, fmt(round(capacity[r] * HOLIDAY_FACTOR, 1)))
           for r, _, _ in resources])
    write("routings.csv", ["item", "route", "resource", "unit_time", "setup_time", "setup_cost", "family"],
          [(i, route, r, fmt(u), fmt(s), fmt(c), family) for i, r, u, s, c, route, family in ROUTINGS])
    write("routes.csv", ["item", "route", "unit_cost", "lead_time"], ROUTES)
    write("families.csv", ["family", "resource", "setup_time", "setup_cost"],
          [(f, r, fmt(st), fmt(sc)) for f, r, st, sc in FAMILIES])
    write("sources.csv", ["item", "supplier", "unit_cost", "lead_time"],
          [(i, v, fmt(c), lt) for i, v, c, lt in SOURCES])
    write("suppliers.csv", ["supplier", "order_cost"], SUPPLIERS)
    write("receipts.csv", ["item", "period", "quantity"], RECEIPTS)
    write("orders.csv", ["order_id", "item", "quantity", "due_date", "market"],
          [(o, i, q, d.isoformat(), m) for o, i, q, d, m in orders])
    print(f"{len(orders)} orders written")


if __name__ == "__main__":
    main()
