/* A plugin built against ABI 1.0, before rustirc_plugin_info had `permissions`: its info
 * struct is the 1.0 one, and right after it lies a pointer no one may follow. A client that
 * read the 1.1 field from it would crash here. /old answers "old plugin answers". */
#include <stddef.h>
#include <stdint.h>
#include "rustirc_plugin.h"

struct info_1_0 {
    uint32_t abi_major, abi_minor;
    const char *name, *version, *author, *description;
};

static const struct {
    struct info_1_0 info;
    const char *after;
} v10 = {
    {1, 0, "old", "1.0", "tests", "Built against ABI 1.0"},
    (const char *)1,
};

static const rustirc_host *host;
static uint64_t old_cmd;

const rustirc_plugin_info *plugin_get_info(void) {
    return (const rustirc_plugin_info *)&v10.info;
}

int plugin_init(const rustirc_host *h) {
    host = h;
    old_cmd = host->register_command(host->ctx, "old", "Answers", "/old");
    return old_cmd ? RUSTIRC_OK : RUSTIRC_ERROR;
}

void plugin_deinit(void) { host = NULL; }

int plugin_on_event(const rustirc_event *ev) {
    if (ev->hook == old_cmd) host->print(host->ctx, "status", "old plugin answers");
    return RUSTIRC_OK;
}
