/*
 * commands: the entry point of each `mmusim COMMAND`.  Each parses its own
 * arguments from a (the common options included) and returns the exit status
 * (cli_errors.h).
 */
#ifndef MMUSIM_TOOLS_COMMANDS_H
#define MMUSIM_TOOLS_COMMANDS_H

#include "cli_options.h"

int cmd_translate(struct cli *cli, struct args *a);
int cmd_mappings(struct cli *cli, struct args *a);
int cmd_replay(struct cli *cli, struct args *a);
int cmd_convert(struct cli *cli, struct args *a);
int cmd_dump(struct cli *cli, struct args *a);
int cmd_explain(struct cli *cli, struct args *a);
int cmd_show(struct cli *cli, struct args *a);
int cmd_report(struct cli *cli, struct args *a);
int cmd_sweep(struct cli *cli, struct args *a);
int cmd_run(struct cli *cli, struct args *a);
int cmd_merge(struct cli *cli, struct args *a);
int cmd_mrc(struct cli *cli, struct args *a);
int cmd_quiz(struct cli *cli, struct args *a);
int cmd_shell(struct cli *cli, struct args *a);

#endif
