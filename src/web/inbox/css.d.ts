// esbuild bundles imported CSS into public/build/inbox.css.
declare module "*.css";
