#include "cli.h"
int cmd_run(struct cli *cli, struct args *a) { (void)cli; (void)a; return EXIT_BAD_INPUT; }
