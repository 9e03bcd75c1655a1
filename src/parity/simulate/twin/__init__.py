"""Twin mode: one replication of a scenario, replayed through the real services and store.

The fast engine counts people; the twin draws the same events for named (synthetic) people and carries each one
out as a command on the services, on a settable clock, so every rule of the scheme applies as it would in
operation: screening at intake, the request and reply deadlines, legal blockers re-checked at transfer, the weekly
level and the parity rule on the ledger, the admissions pause, location confirmation and whole-family decisions.
Where a rule refuses an action the twin does what an operator would: a flight leaves without the people the week's
level has no room for, a family waits for a place. Its results come back from the store (the weekly ledger).

- `run.py`: the public entry points and the day loop, in the engine's order (see `engine.py`);
- `returns.py`: the returns leg (arrivals, detention, referrals, replies, legal steps, flights, re-crossing);
- `admissions.py`: the admissions leg (expressions of interest, stage 2, entry clearance, travel);
- `operator.py`: the operator that carries out each action as a command on the services.

Differences from the engine, all small where the scenario's capacities are not binding (`docs/simulator.md`):
weeks run Monday to Sunday, as the ledger's do, so the weekly level resets on Mondays rather than every seven days
from the period start; an admission counts when its entry clearance is issued (the ledger commits the place then,
and the engine admits then); a case that misses the request deadline leaves detention the next day, once the
deadline has passed; a family that a selection round has no place for (or every family, while admissions are
paused) waits for a later round, delaying its stage 2, which the engine does not model; new expressions of
interest join the pool the next day, after confirming their location.
"""

from parity.simulate.twin.run import TWIN_SERIES, TwinResult, run_twin, run_twin_on_inputs, scheme_in_force

__all__ = ["TWIN_SERIES", "TwinResult", "run_twin", "run_twin_on_inputs", "scheme_in_force"]
