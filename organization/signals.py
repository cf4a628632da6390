from django.dispatch import Signal

# Sent with `person` after a person is created, moved to another unit, or
# (de)activated, so apps above this one can follow without this app knowing them.
membership_changed = Signal()
