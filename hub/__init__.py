"""maatwerk-hub: holds the state of every casus and order, fans time-outs out to the agencies and
tracks their answers."""
