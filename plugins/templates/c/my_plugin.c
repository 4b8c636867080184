/* A template for a native RustIRC plugin in C: a /hello command and a line in the channel
 * window when someone joins. Copy this folder, rename the plugin, and run make. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rustirc_plugin.h"

static const rustirc_plugin_info info = {
    RUSTIRC_ABI_MAJOR, RUSTIRC_ABI_MINOR,
    "my_plugin", "0.1.0", "Your Name", "What it does, in one line",
    /* The permissions it asks for, comma-separated ("network, run"); NULL for none. */
    NULL,
};

static const rustirc_host *host;
static uint64_t hello_cmd, join_hook;

const rustirc_plugin_info *plugin_get_info(void) { return &info; }

int plugin_init(const rustirc_host *h) {
    host = h;
    hello_cmd = host->register_command(host->ctx, "hello", "Says hello", "/hello [NAME]");
    join_hook = host->hook_event(host->ctx, "JOIN", 0);
    return hello_cmd && join_hook ? RUSTIRC_OK : RUSTIRC_ERROR;
}

void plugin_deinit(void) { host = NULL; }

int plugin_on_event(const rustirc_event *ev) {
    char line[512];
    if (ev->hook == hello_cmd) {
        snprintf(line, sizeof line, "Hello, %s!", ev->text && ev->text[0] ? ev->text : "world");
        host->print(host->ctx, NULL, line);
    } else if (ev->hook == join_hook && ev->nick) {
        snprintf(line, sizeof line, "%s joined", ev->nick);
        host->print(host->ctx, ev->channel, line);
    }
    return RUSTIRC_OK;
}
