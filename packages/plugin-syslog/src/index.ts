/** Plugin definitions (filled in by the plugin's issue). */
export const plugins = [];
