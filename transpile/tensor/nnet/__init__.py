"""Neural-network ops: `T.nnet`."""
