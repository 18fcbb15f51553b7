/*
 * image_machine: whether an image's page tables are the config's architecture's,
 * as far as the image says (an ELF core's e_machine).
 */
#ifndef MMUSIM_LIB_IMAGE_MACHINE_H
#define MMUSIM_LIB_IMAGE_MACHINE_H

#include "formats/image.h"
#include "pt/mm_error.h"
#include "sim/machine_config.h"

/* MM_OK when the image names no machine or the config's (its stage 2's, for a VM), and no
 * number of levels or the config's; else MM_EINVAL "PATH: an x86-64 core (e_machine 62), but
 * config sv39 walks riscv64 page tables ..." or "PATH: the kernel of this vmcore walks 5 levels ...". */
int image_machine_check(const struct image *img, const char *path, const struct machine_config *cfg,
			struct mm_error *err);

#endif
