/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's control socket, <run dir>/ctl.sock: a line protocol for tests
 * (link state, counters, devices), served from the host loop without
 * blocking, and the `hvsim ctl` client that talks it.
 */
#ifndef HVSIM_CONTROL_H
#define HVSIM_CONTROL_H

#include <stdio.h>

#include "hvsim.h"

#define CONTROL_SOCK_NAME	"ctl.sock"

/* Listen on the run directory's socket: 0, or -1 (said why on stderr). */
int control_start(struct hvsim *sim);
/* Accept, read and answer whatever is ready; never blocks. */
void control_poll(struct hvsim *sim);
void control_stop(struct hvsim *sim);

/* One request line's reply lines into out, the last `ok` or `error: ...`. */
void control_execute(struct hvsim *sim, const char *line, FILE *out);

/* `hvsim ctl [--run-dir DIR] COMMAND...`; argv[0] is "ctl". Exit status. */
int control_client_main(int argc, char **argv);
/* The commands, for hvsim's usage text. */
void control_usage(FILE *out);

#endif /* HVSIM_CONTROL_H */
