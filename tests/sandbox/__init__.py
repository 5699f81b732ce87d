"""Tests of the local simulators (sidecar/sandbox/), over real sockets on 127.0.0.1."""
