"""Sign-up (报名): places, deadlines, reviewed or first-come sign-ups, a waiting list, no-shows."""
