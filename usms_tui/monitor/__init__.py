"""The refresh machinery: the poller (what is due, one streaming cycle), the refresh controller
(pause, stop after fatal, health, next delay, alerts) and the runtime that wires them up."""
