"""Tests of the peer script's log reading and its same-gap comparison (no PuLP or highspy
needed): `python3 -m unittest scripts/peers/test_peer_clst.py`, run by tests/it/peers.rs."""

import contextlib
import csv
import io
import math
import os
import sys
import tempfile
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_clst  # noqa: E402

# Lines of a real CBC 2.10 log (G3, PuLP 3.3.2), with the lines around them.
CBC_LOG = """Continuous objective value is 13696.7 - 0.00 seconds
Cbc0038I After 0.01 seconds - Feasibility pump exiting - took 0.01 seconds
Cbc0010I After 0 nodes, 1 on tree, 1e+50 best solution, best possible 44375.384 (0.41 seconds)
Cbc0012I Integer solution of 47183 found by DiveCoefficient after 2623 iterations and 5 nodes (0.50 seconds)
Cbc0016I Integer solution of 46225 found by strong branching after 6206 iterations and 138 nodes (0.97 seconds)
Cbc0010I After 1000 nodes, 13 on tree, 46225 best solution, best possible 45100.5 (3.38 seconds)
Cbc0001I Search completed - best objective 46225, took 89615 iterations and 8995 nodes (5.14 seconds)
"""


class CbcLog(unittest.TestCase):
    def test_points_follow_the_log(self):
        points = peer_clst.cbc_trajectory(CBC_LOG)
        self.assertEqual(
            points,
            [
                (0.41, math.inf, 44375.384),
                (0.50, 47183.0, 44375.384),
                (0.97, 46225.0, 44375.384),
                (3.38, 46225.0, 45100.5),
            ],
        )


class Trajectories(unittest.TestCase):
    def test_round_trip_and_time_to_gap(self):
        points = [(0.0, math.inf, -math.inf), (1.0, 110.0, 90.0), (2.0, 100.0, 90.0), (7.5, 100.0, 99.0)]
        text = peer_clst.format_trajectory(points)
        self.assertEqual(peer_clst.parse_trajectory(text), points)
        # Gaps by hand: 20/110 = 18.2 %, 10 %, 1 %.
        self.assertEqual(peer_clst.time_to_gap(points, 0.2), 1.0)
        self.assertEqual(peer_clst.time_to_gap(points, 0.1), 2.0)
        self.assertEqual(peer_clst.time_to_gap(points, 0.01), 7.5)
        self.assertIsNone(peer_clst.time_to_gap(points, 0.001))
        self.assertAlmostEqual(peer_clst.final_gap(points), 0.01)
        # Between the report at 2 s (10 %) and the one at 7.5 s (1 %), 5 % was reached at 2 s at the earliest.
        self.assertEqual(peer_clst.earliest_time_to_gap(points, 0.05), 2.0)
        self.assertEqual(peer_clst.earliest_time_to_gap(points, 0.2), 0.0)
        self.assertIsNone(peer_clst.earliest_time_to_gap(points, 0.001))
        # flexplan writes Rust's spelling of infinities.
        self.assertEqual(peer_clst.parse_trajectory("0.003:inf:-inf"), [(0.003, math.inf, -math.inf)])


class Compare(unittest.TestCase):
    def test_ratios_at_the_gap_both_proved(self):
        with tempfile.TemporaryDirectory() as tmp:
            flex = os.path.join(tmp, "flex.csv")
            peers = os.path.join(tmp, "peers.csv")
            with open(flex, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["suite", "instance", "status", "objective", "seconds", "trajectory"])
                # A: optimal (gap 1e-4) at 2 s. B: 4.8 % at 1 s, optimal at 9 s.
                w.writerow(["g", "A", "optimal", "100", "2.1", "0.500:inf:90;1.000:110:90;2.000:100:99.99"])
                w.writerow(["g", "B", "optimal", "100", "9.1", "1.000:104:99;9.000:100:99.99"])
            with open(peers, "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=peer_clst.FIELDS)
                w.writeheader()
                # A: optimal at 4 s (ratio 2). B: stopped at 5 % (105 vs 99.75), reached at 3 s (ratio 3).
                w.writerow({"instance": "A", "peer": "highspy", "status": "optimal", "objective": "100",
                            "gap": "0.0001", "seconds": "4.2", "trajectory": "1.000:120:90;4.000:100:99.99"})
                w.writerow({"instance": "B", "peer": "highspy", "status": "time_limit", "objective": "105",
                            "gap": "0.05", "seconds": "60", "trajectory": "3.000:105:99.75;60.000:105:99.75"})
            args = types.SimpleNamespace(flexplan=[flex], peers=[peers], gap=1e-4, shift=1.0)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                peer_clst.cmd_compare(args)
            text = out.getvalue()
            self.assertIn("| A | optimal 100 gap 0.01% 2.1s | optimal 100 gap 0.01% 4.2s | 0.01% | 2.00 | 4.00 | 2.00 |", text)
            self.assertIn("| B | optimal 100 gap 0.01% 9.1s | time_limit 105 gap 5.00% 60.0s | 5.00% | 1.00 | 3.00 | 3.00 |", text)
            # Geometric mean of 2 and 3 = sqrt(6) = 2.45; only A is optimal for both.
            self.assertIn("highspy, all instances: 2 instances; time to the same gap, highspy/flexplan: geometric mean 2.45", text)
            self.assertIn("highspy, both optimal: 1 instances", text)
            # Shifted by 1 s: flexplan sqrt(3 * 2) - 1 = 1.45, highspy sqrt(5 * 4) - 1 = 3.47; 3.47 / 1.45 = 2.40.
            self.assertIn("flexplan 1.45 s, highspy 3.47 s, ratio 2.40", text)
            self.assertNotIn("MISMATCH", text)


if __name__ == "__main__":
    unittest.main()
