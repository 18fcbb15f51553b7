/*
 * data_caches_report: the `caches:` block's statistics in a replay report:
 * a table section and the "caches" key of --json.
 */
#ifndef MMUSIM_CLI_DATA_CACHES_REPORT_H
#define MMUSIM_CLI_DATA_CACHES_REPORT_H

#include <stdio.h>

#include "mmusim.h"

void data_caches_text(FILE *out, const mmusim_data_cache_stats *s);
/* Writes ,"caches":{...} (the leading comma included). */
void data_caches_json(FILE *out, const mmusim_data_cache_stats *s);

#endif
