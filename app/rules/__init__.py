"""The rules that run the caseload: pure functions over one person's facts, a date and a policy.

No store, no clock, no I/O: a service builds `facts.PersonFacts` from the database and asks
`tasks.review(person, today, policy)` (or the narrower functions of each module) what is due.

- policy.py: the policy file (load_policy, default_policy, PolicyError)
- facts.py: the input dataclasses
- lifecycle.py: the status state machine (transition, TransitionError) and each measure's clock
- schedule.py: test, hair-test and visit windows; next due
- violations.py: refusals, relapses, serious violations, police-report escalations
- risk.py: the risk colour, its triggers and the worker's override
- clean.py: three years clean
- leave.py: leave limits
- tasks.py: tasks and warnings for a person on a day
- catalogue.py: rule ids and their names; periods.py: month arithmetic; timeline.py: the per-person index;
  toml_lines.py: key → line numbers for policy errors
docs/policy.md explains the semantics in Chinese and English.
"""
