from django.dispatch import Signal

# Sent inside the publishing transaction with `version`, so apps above this one
# (acknowledgement campaigns) can follow a new version without this app knowing them.
version_published = Signal()
