/* cli_image_config: the config an --image runs on (the image's own, or --config's). */
#ifndef MMUSIM_CLI_IMAGE_CONFIG_H
#define MMUSIM_CLI_IMAGE_CONFIG_H

#include "mmusim.h"

struct cli;

/*
 * The image's own config when it describes its MMU (OSTEP's linear page
 * table) and --config is not given; --config's (checked against the image's
 * own) or the default otherwise.  *out is the caller's to free.
 */
int cli_image_config(const struct cli *cli, mmusim_config **out, mmusim_error *err);

#endif
