#include "cli.h"
int cmd_report(struct cli *cli, struct args *a) { (void)cli; (void)a; return cli_usage_error("report: TODO"); }
