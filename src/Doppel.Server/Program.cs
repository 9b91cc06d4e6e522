using Doppel.Server.Hosting;

return await ServerApp.RunAsync(args, new ServerRunContext(), CancellationToken.None);
