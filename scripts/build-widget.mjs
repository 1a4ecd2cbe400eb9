// The chat widget: src/web/widget → public/. Owned by the widget work; see README "Chat widget".
export async function buildWidget() {}
