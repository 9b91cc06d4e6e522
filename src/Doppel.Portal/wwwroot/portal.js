// Small helpers the portal's components call through JS interop.
window.doppelPortal = {
  copy: async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
  },
};
