/** Hono environment of the API app: what the middlewares hand to the routes. */
export interface AppEnv {
  Variables: {
    /** Name of the API key that authenticated the request (`local` in local-development mode). */
    caller: string;
  };
}
