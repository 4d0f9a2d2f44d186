#!/usr/bin/env python3
"""Writes the bundled example plan directory (data/example/) and its order history
(data/history/orders.csv).

Run from anywhere: `python3 data/example/make_example.py`. Deterministic (fixed seed, Python's
Mersenne Twister); the CSVs it writes are committed, so nobody needs to run it to use the
example. It is kept so the data can be regenerated or varied, and so the capacity numbers can
be traced: each resource's weekly capacity is set so that the rough-cut load of the orders
(lot for lot, one setup per class and week with a lot) is a target share of it.

The workshop is configure-to-order (C2B): shoppers pick a tee, hoodie or tote, its colour and
size, and upload a design; almost every order is unique. The products are configurable items
(`attributes` in items.csv); the blank a garment needs depends on its colour and size, the white
underbase ink on its colour, and the screen press's changeover on whether the garment is dark.
"""

import csv
import datetime as dt
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
HISTORY = os.path.join(os.path.dirname(HERE), "history")
START = dt.date(2026, 1, 5)  # a Monday
PERIODS = 12
HOLIDAY_PERIOD = 7  # week of 2026-02-16: Lunar New Year, the workshop runs at 40 %
HOLIDAY_FACTOR = 0.4
HISTORY_WEEKS = 52  # 2025-01-06 .. 2026-01-04
# Rough-cut load (on DTG alone) as a share of capacity: printing is the bottleneck.
TARGET_UTILISATION = {"DTG-PRINT": 0.8, "PACKING": 0.6}

# product, unit_cost, holding_cost, backlog_cost, unmet_cost, attributes, colours (share),
# sizes (share), print hours a piece on DTG, CMYK ml, white underbase ml (dark colours)
PRODUCTS = [
    ("TEE", 1.20, 0.08, 15, 40, "colour;size;design",
     [("white", 0.4), ("navy", 0.3), ("black", 0.3)], [("S", 0.25), ("M", 0.4), ("L", 0.35)], 0.05, 10, 12),
    ("HOODIE", 2.50, 0.20, 30, 80, "colour;size;design",
     [("heather", 0.45), ("black", 0.55)], [("M", 0.4), ("L", 0.4), ("XL", 0.2)], 0.085, 18, 20),
    ("TOTE", 0.90, 0.05, 8, 20, "colour;design",
     [("natural", 0.6), ("black", 0.4)], [], 0.04, 8, 10),
]
DARK = {"navy", "black"}
# Blanks: per product, the local wholesaler's and the overseas mill's price, and stock on hand.
BLANK_PRICE = {"TEE": (2.6, 1.7), "HOODIE": (7.9, 5.6), "TOTE": (1.6, 1.1)}
BLANK_STOCK = {"TEE": 30, "HOODIE": 20, "TOTE": 40}

# item, kind, unit_cost, holding_cost, lead_time, initial_inventory, min_lot, order_cost
MATERIALS = [
    ("INK-CMYK", "buy", 0.12, 0.0005, 1, 3000, 0, 0),
    ("INK-WHITE", "buy", 0.10, 0.0005, 1, 2000, 0, 0),
    ("MAILER-POLY", "buy", 0.09, 0.0005, 1, 300, 500, 15),
]

# resource, overtime_max (h/week), overtime_cost (per h); capacities from the rough cut.
RESOURCES = [("DTG-PRINT", 0, 0), ("PACKING", 4, 22)]
# Resources with fixed weekly hours: the screen-printing press (fast, but an hour and a half to
# set up a screen) and the hours a partner print shop in the same cluster sells us.
FIXED_RESOURCES = [("SCREEN-PRINT", 8, 0, 0), ("PARTNER-PRINT", 6, 0, 0)]
DTG_EXTRA = 0.6  # DTG ink and pretreatment, per piece above a screen print

# Markets and their weights.
MARKETS = [("US", 34), ("DE", 16), ("UK", 15), ("FR", 10), ("AE", 7), ("JP", 11), ("AU", 7)]
# Mean orders per week per product.
ORDER_RATE = {"TEE": 11, "HOODIE": 6, "TOTE": 6}


def fmt(value):
    """A number as the planner writes it: integers without a decimal point."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def quantity(rng):
    """1-30 units, lumpy: mostly a few pieces, sometimes a team or event order."""
    if rng.random() < 0.15:
        return rng.randint(8, 30)
    q = 1
    while q < 6 and rng.random() < 0.45:
        q += 1
    return q


def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def configuration(rng, product, week_share=0.0):
    """The options of one order; `week_share` (0..1) tilts colours towards the dark ones (a
    trend over the history)."""
    name, *_, attrs, colours, sizes, _, _, _ = product
    tilted = [(c, s * (1 + week_share if c in DARK else 1 - week_share / 2)) for c, s in colours]
    options = [f"colour={pick(rng, tilted)}"]
    if sizes:
        options.append(f"size={pick(rng, sizes)}")
    # A few bestselling designs and a long tail of one-offs.
    design = rng.randint(1, 12) if rng.random() < 0.3 else rng.randint(100, 9999)
    options.append(f"design={name[0]}-{design:04d}")
    return ";".join(options)


def make_orders(rng, start, weeks, prefix, extra):
    orders = []
    for week in range(weeks):
        for product in PRODUCTS:
            rate = ORDER_RATE[product[0]]
            count = sum(1 for _ in range(int(2 * rate)) if rng.random() < 0.5)
            for _ in range(count):
                due = start + dt.timedelta(days=7 * week + rng.randrange(7))
                orders.append([product, quantity(rng), due, week / max(weeks - 1, 1)])
    if extra:
        for _ in range(5):  # past due: promised last year, still open
            orders.append([rng.choice(PRODUCTS), quantity(rng), start - dt.timedelta(days=rng.randint(1, 10)), 0.0])
        for _ in range(5):  # due after the horizon: not planned yet
            end = start + dt.timedelta(days=7 * weeks)
            orders.append([rng.choice(PRODUCTS), quantity(rng), end + dt.timedelta(days=rng.randrange(10)), 0.0])
    orders.sort(key=lambda order: (order[2] - dt.timedelta(days=rng.randint(3, 12)), order[0][0]))
    markets, weights = zip(*MARKETS)
    return [
        (f"{prefix}-{n + 1:04d}", product[0], qty, due, rng.choices(markets, weights)[0],
         configuration(rng, product, trend))
        for n, (product, qty, due, trend) in enumerate(orders)
    ]


def period_of(day):
    """0-based period, or None beyond the horizon (past due counts in period 0)."""
    t = max(0, (day - START).days // 7)
    return t if t < PERIODS else None


def rough_cut_capacity(orders):
    """Hours per week so that printing (on DTG) and packing load their targets."""
    load = {"DTG-PRINT": 0.0, "PACKING": 0.0}
    classes = set()
    print_time = {p[0]: p[8] for p in PRODUCTS}
    for _, product, qty, due, _, options in orders:
        t = period_of(due)
        if t is None:
            continue
        colour = options.split(";")[0].split("=")[1]
        dark = 0.02 if colour in DARK else 0.0
        load["DTG-PRINT"] += (print_time[product] + dark) * qty
        load["PACKING"] += 0.03 * qty
        size = options.split(";")[1] if product != "TOTE" else ""
        classes.add((product, colour, size, t))
    load["DTG-PRINT"] += 0.25 * len(classes)
    weeks = PERIODS - 1 + HOLIDAY_FACTOR
    capacity = {}
    for resource, hours in load.items():
        capacity[resource] = math.ceil(hours / (TARGET_UTILISATION[resource] * weeks))
        print(f"{resource}: load {hours:.1f} h over the horizon -> {capacity[resource]} h/week")
    return capacity


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main():
    rng = random.Random(20260105)
    orders = make_orders(rng, START, PERIODS, "SO-26", extra=True)
    history = make_orders(random.Random(20250106), START - dt.timedelta(days=7 * HISTORY_WEEKS), HISTORY_WEEKS,
                          "SO-25", extra=False)
    capacity = rough_cut_capacity(orders)
    with open(os.path.join(HERE, "plan.toml"), "w", encoding="utf-8") as f:
        f.write('[horizon]\nstart = "2026-01-05"\nbucket = "week"\nperiods = 12\n\n'
                "[solver]\ntime_limit_s = 60.0\nmip_gap = 0.02\n")

    items, bom, routings, routes, sources = [], [], [], [], []
    for name, unit, holding, backlog, unmet, attrs, colours, sizes, dtg, cmyk, white in PRODUCTS:
        items.append((name, "make", fmt(unit), fmt(holding), fmt(backlog), "0", "", "", "0", fmt(unmet), attrs))
        blank = f"{name}-BLANK-{{colour}}-{{size}}" if sizes else f"{name}-BLANK-{{colour}}"
        dark = "|".join(c for c, _ in colours if c in DARK)
        bom += [(name, blank, "1", ""), (name, "INK-CMYK", fmt(cmyk), ""),
                (name, "INK-WHITE", fmt(white), f"colour={dark}"), (name, "MAILER-POLY", "1", "")]
        light = "|".join(c for c, _ in colours if c not in DARK)
        screen = round(dtg * 0.4, 3)
        routings += [
            # DTG: a colour profile per garment colour (family DTG-{colour}, shared by every
            # product of that colour); dark garments take a white underbase pass.
            (name, "DTG", "DTG-PRINT", fmt(dtg), "0.25", "8", "DTG-{colour}", ""),
            (name, "DTG", "DTG-PRINT", "0.02", "0", "0", "", f"colour={dark}"),
            (name, "DTG", "PACKING", "0.03", "0", "0", "", ""),
            # Screen: a screen per lot; dark garments need the underbase screen and flash dryer
            # (family DARK), light ones a cleaned platen (LIGHT), once a week each.
            (name, "SCREEN", "SCREEN-PRINT", fmt(screen), "1.5", "45", "DARK", f"colour={dark}"),
            (name, "SCREEN", "SCREEN-PRINT", fmt(screen), "1.5", "45", "LIGHT", f"colour={light}"),
            (name, "SCREEN", "PACKING", "0.03", "0", "0", "", ""),
        ]
        routes.append((name, "DTG", fmt(round(unit + DTG_EXTRA, 2)), ""))
        if name == "HOODIE":
            routings.append((name, "PARTNER", "PARTNER-PRINT", fmt(dtg), "0", "0", "", ""))
            routes.append((name, "PARTNER", "6.1", "1"))
        local, overseas = BLANK_PRICE[name]
        for colour, _ in colours:
            for size, _ in sizes or [("", 0)]:
                blank_id = f"{name}-BLANK-{colour}-{size}" if size else f"{name}-BLANK-{colour}"
                items.append((blank_id, "buy", fmt(local), fmt(round(holding / 4, 3)), "", "1",
                              fmt(BLANK_STOCK[name]), "", "0", "0", ""))
                sources += [(blank_id, "BLANKS-LOCAL", fmt(local), "1"),
                            (blank_id, "BLANKS-OVERSEAS", fmt(overseas), "3")]
    for item, kind, unit, holding, lead, stock, min_lot, order_cost in MATERIALS:
        items.append((item, kind, fmt(unit), fmt(holding), "", fmt(lead), fmt(stock), fmt(min_lot),
                      fmt(order_cost), "0", ""))

    write(os.path.join(HERE, "items.csv"),
          ["item", "kind", "unit_cost", "holding_cost", "backlog_cost", "lead_time", "initial_inventory",
           "min_lot", "order_cost", "unmet_cost", "attributes"], items)
    write(os.path.join(HERE, "bom.csv"), ["parent", "component", "quantity", "when"], bom)
    for resource, hours, _, _ in FIXED_RESOURCES:
        capacity[resource] = hours
    resources = RESOURCES + [(r, om, oc) for r, _, om, oc in FIXED_RESOURCES]
    write(os.path.join(HERE, "resources.csv"), ["resource", "capacity", "overtime_max", "overtime_cost"],
          [(r, capacity[r], fmt(om), fmt(oc)) for r, om, oc in resources])
    write(os.path.join(HERE, "capacity.csv"), ["resource", "period", "capacity"],
          [(r, HOLIDAY_PERIOD, fmt(round(capacity[r] * HOLIDAY_FACTOR, 1))) for r, _, _ in resources])
    write(os.path.join(HERE, "routings.csv"),
          ["item", "route", "resource", "unit_time", "setup_time", "setup_cost", "family", "when"], routings)
    write(os.path.join(HERE, "routes.csv"), ["item", "route", "unit_cost", "lead_time"], routes)
    write(os.path.join(HERE, "families.csv"), ["family", "resource", "setup_time", "setup_cost"],
          [("DTG-{colour}", "DTG-PRINT", "0.1", "2"), ("DARK", "SCREEN-PRINT", "1", "15"),
           ("LIGHT", "SCREEN-PRINT", "0.5", "8")])
    write(os.path.join(HERE, "sources.csv"), ["item", "supplier", "unit_cost", "lead_time"], sources)
    write(os.path.join(HERE, "suppliers.csv"), ["supplier", "order_cost"], [("BLANKS-OVERSEAS", 150)])
    write(os.path.join(HERE, "receipts.csv"), ["item", "period", "quantity"],
          [("TEE-BLANK-black-M", 1, 40), ("MAILER-POLY", 2, 500), ("INK-WHITE", 1, 1000)])
    write(os.path.join(HERE, "orders.csv"), ["order_id", "item", "quantity", "due_date", "market", "options"],
          [(o, i, q, d.isoformat(), m, opts) for o, i, q, d, m, opts in orders])
    os.makedirs(HISTORY, exist_ok=True)
    write(os.path.join(HISTORY, "orders.csv"), ["order_id", "item", "quantity", "due_date", "market", "options"],
          [(o, i, q, d.isoformat(), m, opts) for o, i, q, d, m, opts in history])
    print(f"{len(orders)} orders and {len(history)} history rows written")


if __name__ == "__main__":
    main()
