"""Attentiveness (clause 7): waits on clients' questions, working hours, and the scheduler."""
