// Small helpers the portal's components call through JS interop.
window.doppelPortal = {
  copy: async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
  },
  // The query editor colours text in a <pre> behind a transparent <textarea>; the two must scroll together.
  syncScroll: (textarea, pre) => {
    if (!textarea || !pre || textarea.dataset.synced) return;
    textarea.dataset.synced = '1';
    const sync = () => { pre.scrollTop = textarea.scrollTop; pre.scrollLeft = textarea.scrollLeft; pre.style.height = textarea.offsetHeight + 'px'; };
    textarea.addEventListener('scroll', sync);
    new ResizeObserver(sync).observe(textarea);
  },
};
