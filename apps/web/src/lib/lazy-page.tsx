import { type ComponentType, use } from "react";

type Loading<T> = Promise<T> & { status?: "pending" | "fulfilled" | "rejected"; value?: T; reason?: unknown };

/**
 * A page whose code loads when it first renders, or earlier through `preload()`. Unlike React.lazy,
 * it renders at once when the code is already here: React.lazy suspends on its first render even
 * then, and React holds back revealing a boundary whose fallback it has just shown for 300 ms.
 * Render it inside a Suspense boundary, as a lazy component.
 */
export function lazyPage<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loading: Loading<{ default: ComponentType<P> }> | undefined;
  const preload = (): Promise<{ default: ComponentType<P> }> => {
    if (!loading) {
      const promise: Loading<{ default: ComponentType<P> }> = load();
      promise.status = "pending";
      promise.then(
        (module) => {
          promise.status = "fulfilled";
          promise.value = module;
        },
        (error: unknown) => {
          promise.status = "rejected";
          promise.reason = error;
        },
      );
      loading = promise;
    }
    return loading;
  };
  function LazyPage(props: P) {
    const { default: Page } = use(preload());
    return <Page {...props} />;
  }
  return { Page: LazyPage, preload };
}
