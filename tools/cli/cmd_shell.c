#include "cli.h"
int cmd_shell(struct cli *cli, struct args *a)
{
	(void)cli;
	(void)a;
	return cli_usage_error("shell: not yet");
}
