/* A plugin for the tests: "!crash" in a channel makes its TEXT handler write through a NULL
 * pointer (a segmentation fault); /alive prints a line. */
#include <string.h>
#include "rustirc_plugin.h"

static const rustirc_plugin_info info = {
    RUSTIRC_ABI_MAJOR, RUSTIRC_ABI_MINOR, "segv", "1.0", "tests", "Crashes on !crash",
};
static const rustirc_host *host;
static uint64_t text_hook, alive_cmd;

const rustirc_plugin_info *plugin_get_info(void) { return &info; }

int plugin_init(const rustirc_host *h) {
    host = h;
    text_hook = host->hook_event(host->ctx, "TEXT", 0);
    alive_cmd = host->register_command(host->ctx, "alive", "Says it is alive", "/alive");
    return RUSTIRC_OK;
}

void plugin_deinit(void) {}

int plugin_on_event(const rustirc_event *ev) {
    if (ev->hook == text_hook && ev->text && strstr(ev->text, "!crash")) {
        volatile int *p = 0;
        *p = 1;
    }
    if (ev->hook == alive_cmd) host->print(host->ctx, NULL, "segv plugin alive");
    return RUSTIRC_OK;
}
