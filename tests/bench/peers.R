# peers.R — the R forecast package's ets, stlf and tbats on one daily series,
# month ahead with the data before each month only, as an R user would call
# them: ets(ts(y, frequency = p)), stlf(ts(y, frequency = p)),
# tbats(msts(y, seasonal.periods = c(p, 365.25 p / 7))), where p is the number
# of weekdays the series has data on (7, or 5 for a weekday-only series, whose
# missing weekdays are filled with na.interp so the weekly phase holds).
# usage: Rscript peers.R SERIES.csv FROM TO   (SERIES: date,calls; YYYY-MM)
# output: month,method,wape,days — WAPE over the month's days with data.
suppressMessages(library(forecast))
args <- commandArgs(TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$date <- as.Date(d$date)
open <- sort(unique(as.POSIXlt(d$date)$wday))
p <- length(open)
all <- seq(min(d$date), max(d$date), by = "day")
all <- all[as.POSIXlt(all)$wday %in% open]
y <- d$calls[match(all, d$date)]
months <- seq(as.Date(paste0(args[2], "-01")), as.Date(paste0(args[3], "-01")), by = "month")
for (mi in seq_along(months)) {
  m0 <- months[mi]
  m1 <- seq(m0, by = "month", length.out = 2)[2] - 1
  hist <- which(all < m0)
  tgt <- which(all >= m0 & all <= m1)
  yh <- na.interp(ts(y[hist], frequency = p))
  h <- length(tgt)
  act <- y[tgt]
  ok <- !is.na(act)
  fc <- list(
    ets = tryCatch(forecast(ets(yh), h = h)$mean, error = function(e) rep(NA, h)),
    stlf = tryCatch(stlf(yh, h = h)$mean, error = function(e) rep(NA, h)),
    tbats = tryCatch(forecast(tbats(msts(as.numeric(yh),
                                         seasonal.periods = c(p, 365.25 * p / 7))), h = h)$mean,
                     error = function(e) rep(NA, h)))
  for (k in names(fc)) {
    w <- sum(abs(fc[[k]][ok] - act[ok])) / sum(act[ok])
    cat(sprintf("%s,%s,%.6f,%d\n", format(m0, "%Y-%m"), k, w, sum(ok)))
  }
}
